__all__ = ['ttypes', 'constants', 'PresenceService']
