"""Plan: exercise catalogue (data), plan rules, generator and weekly adaptation (pure)."""
