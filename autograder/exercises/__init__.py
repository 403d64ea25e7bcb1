"""Declarative exercises, one module per week; notebooks import the week they belong to."""
