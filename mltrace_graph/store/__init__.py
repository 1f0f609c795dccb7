"""The only part of the package that speaks Cypher."""
