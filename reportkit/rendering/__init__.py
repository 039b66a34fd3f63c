"""reportkit.rendering"""
