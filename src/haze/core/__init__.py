"""The core: the domain model, findings, errors and the computation. Imports nothing above it."""
