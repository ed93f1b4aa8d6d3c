"""The pages of retention, one module a topic."""
