"""People and organisations: parties and actors, users and tokens, who may see what."""
