"""In-memory implementations of every port: first-class code for tests and local experiments."""
