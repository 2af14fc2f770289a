SELECT project_id, name FROM meta.cfg_projects
