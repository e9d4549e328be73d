<?php
// Send a message as a user, e.g. from a site's own notification code.
// Retrying with the same client message id never sends it twice.
// Usage: php send_message.php <sender> <recipient> <text> [client message id]
declare(strict_types=1);
require __DIR__ . '/../thriftchat.php';

thriftchat_run(function () use ($argv): void {
    [$client, $transport] = thriftchat_connect();
    $clientMsgId = $argv[4] ?? bin2hex(random_bytes(8));
    $message = $client->send((int)$argv[1], (int)$argv[2], $argv[3], $clientMsgId);
    $transport->close();
    thriftchat_print(thriftchat_message($message));
});
