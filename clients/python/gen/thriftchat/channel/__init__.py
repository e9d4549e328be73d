__all__ = ['ttypes', 'constants', 'ChannelService']
