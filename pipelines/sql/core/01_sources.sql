SELECT source_id, tool, name, base_url FROM meta.cfg_sources
