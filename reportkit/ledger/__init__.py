"""reportkit.ledger"""
