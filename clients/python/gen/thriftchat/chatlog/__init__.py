__all__ = ['ttypes', 'constants', 'ChatlogService']
