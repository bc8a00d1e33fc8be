"""The HTTP front end: `kg serve`, a read-only SPARQL 1.1 endpoint and its pages."""
