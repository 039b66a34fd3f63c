"""reportkit.evaluation"""
