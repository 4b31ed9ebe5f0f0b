"""Input and output: YAML and spreadsheet lists, the config file, the parse cache, the journal, the durable writer."""
