"""Every change settlement makes: awards (awards.py) and invoices (invoices.py)."""
