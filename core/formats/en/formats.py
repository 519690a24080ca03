"""English formats: a time of day on the 24-hour clock, "15:07" (with "UTC" after it)."""

TIME_FORMAT = "H:i"
