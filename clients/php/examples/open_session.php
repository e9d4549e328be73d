<?php
// Open a chat session for the site's signed-in user and render the chat.
// Usage: php open_session.php <user id> <display name>
declare(strict_types=1);
require __DIR__ . '/../thriftchat.php';

use ThriftChat\Web\User;

thriftchat_run(function () use ($argv): void {
    [$client, $transport] = thriftchat_connect();
    $user = (int)$argv[1];
    // Keep thriftchat's copy of the user's name current, then open a session.
    $client->putUser(new User(['id' => $user, 'name' => $argv[2]]));
    $session = $client->openSession($user, 0);
    $transport->close();

    // A page now embeds the chat (the "iframe" value below). The token rides
    // in the URL fragment, which browsers never send to servers or in Referer.
    thriftchat_print([
        'user' => $session->user,
        'token' => $session->token,
        'expiresAtMs' => $session->expiresAtMs,
        'pollUrl' => $session->pollUrl,
        'chatUrl' => $session->chatUrl,
        'iframe' => '<iframe src="' . htmlspecialchars($session->chatUrl, ENT_QUOTES) . '" width="100%" height="420"></iframe>',
    ]);
});
