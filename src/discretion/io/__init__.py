"""Reading and writing records: text lines, JSON Lines / CSV / xlsx records, CSV headers."""
