"""Signals that let the apps above disposition (the public record) follow its decisions without
disposition knowing them.

decision_changed is sent after the transaction that changed a decision, its project, its monitoring
reports or its money trail commits, with `decision_id`.
"""

from django.dispatch import Signal

decision_changed = Signal()
