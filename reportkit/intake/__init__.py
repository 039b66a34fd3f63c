"""reportkit.intake"""
