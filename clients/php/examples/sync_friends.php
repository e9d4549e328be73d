<?php
// Keep thriftchat's friend list in step with the site's: replace it whole.
// Usage: php sync_friends.php <user id> <friend id>...
declare(strict_types=1);
require __DIR__ . '/../thriftchat.php';

use ThriftChat\Web\User;

thriftchat_run(function () use ($argv): void {
    [$client, $transport] = thriftchat_connect();
    $user = (int)$argv[1];
    $friends = array_map('intval', array_slice($argv, 2));
    foreach ($friends as $f) {
        // Friends must exist; a site would send its real display names.
        $client->putUser(new User(['id' => $f, 'name' => "user$f"]));
    }
    $client->setFriends($user, $friends);
    $now = $client->friends($user);
    $transport->close();
    sort($now);
    thriftchat_print(['user' => $user, 'friends' => $now]);
});
