"""Verbs on frames, between the source readers and the measurements.

Each function takes a frame and returns a new one; inputs are never changed. For the HN
postings: :mod:`~trendlab.clean.text` turns comment HTML into text and names the company,
:mod:`~trendlab.clean.dedupe` merges the archives into one row per posting.
"""
