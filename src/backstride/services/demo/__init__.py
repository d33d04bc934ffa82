"""The demo world: the demo runner's intake document, a 12-month running history, and the seed
(accounts, clinic, consent) that ``backstride demo`` and ``make run`` use; the tests reuse them."""
