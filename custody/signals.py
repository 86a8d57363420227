"""Signals that let the apps above the register react to it without the register knowing them.

asset_status_changed is sent after the transaction that changed the asset commits, with
asset_id, transition, from_state, to_state, actor_id and order_id.
"""

from django.dispatch import Signal

asset_status_changed = Signal()

# Sent inside the transaction, right after the custody log entry is written, with the same
# arguments plus `asset`. Receivers that post to a ledger run in the same transaction, so an
# error in them rolls the transition back.
asset_transition_applied = Signal()
