"""The curated, cited knowledge base: schema, loader, checker."""

from nenboard.knowledge.loader import KnowledgeBase, default_kb, load

__all__ = ["KnowledgeBase", "default_kb", "load"]
