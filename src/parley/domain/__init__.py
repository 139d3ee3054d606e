"""Pure rules of Parley: the events catalogue, eligibility, stage planning. No I/O here."""
