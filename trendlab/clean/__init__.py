"""Verbs on frames: HN comment HTML to text (:mod:`~trendlab.clean.text`) and the merge of the
HN archives into one row per posting (:mod:`~trendlab.clean.dedupe`).

Every function takes a frame and returns a new one; inputs are never changed.
"""
