"""Storage: tables, the unit of work, keys, sealed personal data, migrations.

Only services use this package; entry points reach data through services.
"""

from parley.store.crypto import RecordCipher
from parley.store.keys import Keyring, check_actor_id
from parley.store.uow import UnitOfWork, timestamp, utc_now

__all__ = ["Keyring", "RecordCipher", "UnitOfWork", "check_actor_id", "timestamp", "utc_now"]
