"""De-identification: find what identifies a person, replace it consistently, keep the key apart.

``detect`` finds spans (spaCy's named entities, Presidio pattern recognisers, the project's lists);
``pseudonyms`` groups confirmed spans into entities and words their replacements; ``vault`` keeps
the identified originals and the key in a separate file encrypted with AES-256-GCM. Writing
anything to a project is the service's (``services/deid.py``).
"""
