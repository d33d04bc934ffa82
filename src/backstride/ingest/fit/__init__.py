"""FIT reader: a fast, CRC-checked FIT decoder and its mapping to the canonical Activity.

``read_fit(data, source_name=...)`` gives one ``Activity`` per session; ``sniff_fit(head)``
recognises FIT content; ``decode_fit(data)`` gives the raw ``FitData`` (messages, record
columns, counts, warnings).
"""

from backstride.ingest.fit.decoder import FitData, decode_fit
from backstride.ingest.fit.reader import read_fit, sniff_fit

__all__ = ["FitData", "decode_fit", "read_fit", "sniff_fit"]
