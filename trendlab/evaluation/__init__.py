"""Hand-labelled development data for measuring the classifiers.

``devset.csv`` holds labels only (ids, 0/1 labels, PM titles as written, stratum, a short
note); the post text is joined from the ``postings`` table when the set is used.
``LABELLING.md`` is the guide the labels follow; :mod:`trendlab.evaluation.sample` is the
seeded procedure that drew the posts.
"""
