"""Importing past bulletins (.txt, .docx) into content/ files."""
