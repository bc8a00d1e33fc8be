"""The SPARQL layer: prepare and run read-only queries on any store, serialise results, the query
cookbook (queries/*.rq) and the sandbox that runs queries in processes of their own.
Imports kg.store and kg.model.
"""
