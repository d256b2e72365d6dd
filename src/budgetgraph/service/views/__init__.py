"""What each kind of page shows, read from the store: one module per family of resources, each function returning
the context of its template."""
