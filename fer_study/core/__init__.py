"""What every layer may use: labels, paths, settings, provenance, atomic writes."""
