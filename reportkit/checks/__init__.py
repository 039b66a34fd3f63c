"""reportkit.checks"""
