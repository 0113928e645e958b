"""jianbao (简报): a static report site generator for rural-revitalization briefings."""

__version__ = "0.1.0"
