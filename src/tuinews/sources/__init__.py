"""Where articles come from: local files now, fetched feeds later."""
