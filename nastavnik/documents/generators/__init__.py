"""One generator per document; `registry.GENERATORS` lists them in the order the documents page shows."""
