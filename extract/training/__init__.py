"""Training the case-report NER model on MACCROBAT (converter, config, train entry point)."""
