"""The business actions of retention, one module a topic."""
