"""reportkit.forms"""
