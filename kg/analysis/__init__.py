"""The analyses: names, status on a date, controls and coverage, dependency walks, impact, exposure,
paths, what-if and chokepoints. Pure functions over a compiled Snapshot; imports only kg.model.
"""
