"""The store layer: parse the Turtle sources (one parser), load RDF stores, compile and cache snapshots,
talk to remote SPARQL endpoints, validate the data contract. Imports only kg.model.
"""
