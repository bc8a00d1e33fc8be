"""The model layer: ontology namespaces, snapshot types, errors, name keys and packaged paths.

Imported by every other layer; imports nothing else of kg.
"""
