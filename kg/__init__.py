"""exportkg: a sourced knowledge graph of China's export controls on strategic materials."""

__version__ = "0.1.0"
