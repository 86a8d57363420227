"""Signing in safely: lock-out after failed attempts (django-axes), two-factor for the staff who
approve or move money (django-otp), and sessions that end when left idle. Settings in
config/settings/auth.py."""
