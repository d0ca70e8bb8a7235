"""ipcli: statutory deadlines, fees and filings for Chinese trademarks and patents."""

__version__ = "0.1.0"
