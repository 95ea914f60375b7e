"""The census's background job: reminders to schools whose return is late."""

from __future__ import annotations
