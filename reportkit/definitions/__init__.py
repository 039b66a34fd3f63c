"""reportkit.definitions"""
