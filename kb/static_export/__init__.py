"""A static export of the whole knowledge base, for when kb itself is down.

Every article page, every guide as pages linked step to step, the contacts directory as of
the export (with CSV and vCard), and a search page whose index ships with it: a folder
that works from `file://` and from any static host, with or without a network. Not to be
confused with kb.diagnosis.export, which writes one diagnosis as a Markdown timeline.
"""
